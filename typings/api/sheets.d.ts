/**
 * The `sheets` function: every spreadsheet job (reading an uploaded ledger, writing the exports), kept out of the
 * functions on the burst path (`antigen`, `community`) so that their cold starts load no spreadsheet code.
 */
import type { ImportPreview } from './community'
import type { GroupBuySheetsApi } from './groupbuy'
import type { DeliverySheetsApi } from './delivery'
import type { RegisterSheetsApi } from './registers'
import type { NeedsSheetsApi } from './needs'

/** An export made for the caller: recorded, and deleted with the exports' retention (docs/community.md). */
export interface ExportFile {
  /** Open it with wx.cloud.downloadFile({ fileID }). */
  fileID: string
  /** A temporary URL of the same file (2 hours). */
  tempFileURL: string
  /** The name the document viewer shows: 「抗原检测-2026-11-24.xlsx」. */
  fileName: string
}

export interface SheetsApi extends GroupBuySheetsApi, DeliverySheetsApi, RegisterSheetsApi, NeedsSheetsApi {
  /** The round's table, its abnormal and its unreported households as an .xlsx (committee). */
  exportTable: { input: { roundId: string }; output: ExportFile }
  /** Read an uploaded ledger (.xlsx or .csv), check it and stage the import (committee). */
  importPreview: { input: { communityId: string; fileID: string; createBuildings?: boolean }; output: ImportPreview }
  /** The household ledger as an .xlsx in the import's format (committee). */
  exportLedger: { input: { communityId: string }; output: ExportFile & { households: number; residents: number } }
  /**
   * The hand-over exports of a closed community (its ledger and every round's counts), each made once: the
   * community function's closeCommunity asks for them; a second call finds them made (committee).
   */
  handover: { input: { communityId: string }; output: { kinds: ('ledger' | 'antigen')[] } }
}
