// CSV as committees actually have it: UTF-8 with or without BOM, or GBK from Excel on Chinese Windows,
// UTF-16 from Excel's "Unicode text"; commas or tabs; RFC 4180 quoting; CRLF, LF or CR line ends.

/** Bytes to text: a BOM decides; otherwise UTF-8 if it is valid UTF-8, else GBK. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return new TextDecoder('utf-8').decode(bytes.subarray(3))
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2))
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2))
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    // Excel on Chinese Windows saves "CSV (逗号分隔)" in the ANSI code page, which is GBK (GB18030 decodes it too).
    return new TextDecoder('gbk').decode(bytes)
  }
}

/** The delimiter of the first line outside quotes: a tab when it has tabs and no commas. */
function sniffDelimiter(text: string): ',' | '\t' {
  let commas = 0
  let tabs = 0
  let quoted = false
  for (const c of text) {
    if (c === '"') quoted = !quoted
    else if (!quoted && (c === '\n' || c === '\r')) break
    else if (!quoted && c === ',') commas++
    else if (!quoted && c === '\t') tabs++
  }
  return tabs > 0 && commas === 0 ? '\t' : ','
}

/**
 * RFC 4180 records. A quoted field may hold delimiters, doubled quotes and line breaks; a record's number is
 * its position (1-based), which is the row number Excel shows when it opens the file.
 */
export function parseCsv(text: string): string[][] {
  const delimiter = sniffDelimiter(text)
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  let i = 0
  const endField = () => {
    record.push(field)
    field = ''
  }
  const endRecord = () => {
    endField()
    records.push(record)
    record = []
  }
  while (i < text.length) {
    const c = text[i] as string
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i += 2
          continue
        }
        quoted = false
      } else field += c
      i++
      continue
    }
    if (c === '"' && field === '') quoted = true
    else if (c === delimiter) endField()
    else if (c === '\r') {
      endRecord()
      if (text[i + 1] === '\n') i++
    } else if (c === '\n') endRecord()
    else field += c
    i++
  }
  if (field !== '' || record.length > 0 || quoted) endRecord()
  return records
}
