/** An error answered to the SDK as `{ code, message, requestId }`; the SDK throws it with its errCode. */
export class CloudError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'CloudError'
  }
}

export const E = {
  invalidParam: (message: string) => new CloudError('INVALID_PARAM', message),
  collectionMissing: (name: string) =>
    new CloudError('DATABASE_COLLECTION_NOT_EXIST', `Db or Table not exist: collection ${name} does not exist`),
  collectionExists: (name: string) =>
    new CloudError('DATABASE_COLLECTION_ALREADY_EXIST', `collection ${name} already exists`),
  requestFailed: (message: string) => new CloudError('DATABASE_REQUEST_FAILED', message),
  txConflict: (message = 'write conflict: the document was changed by another transaction') =>
    new CloudError('DATABASE_TRANSACTION_CONFLICT', message),
  txGone: (id: string) =>
    new CloudError('DATABASE_TRANSACTION_FAIL', `transaction ${id} not found, expired or already finished`),
  fileMissing: (id: string) => new CloudError('STORAGE_FILE_NONEXIST', `file ${id} does not exist`),
  functionMissing: (name: string) => new CloudError('FUNCTIONS_NOT_EXIST', `function ${name} not found`),
  functionFailed: (message: string) => new CloudError('FUNCTIONS_EXECUTE_FAIL', message),
  functionTimeout: (name: string, seconds: number) =>
    new CloudError('FUNCTIONS_TIME_LIMIT_EXCEEDED', `function ${name} timed out after ${seconds}s`),
  sys: (message: string) => new CloudError('SYS_ERR', message),
}
