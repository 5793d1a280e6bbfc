// A medicine need's photo of the box or prescription: taken or chosen after the privacy authorisation, compressed,
// uploaded under needs/<communityId>/<householdId>/ (the folder the needs function takes it from).
import { uploadPhoto } from '../../utils/photo'

export { choosePhoto, PhotoError } from '../../utils/photo'

/** Compress, check the size and upload the photo into the household's folder; its fileID. */
export const uploadNeedPhoto = (communityId: string, householdId: string, path: string): Promise<string> =>
  uploadPhoto(`needs/${communityId}/${householdId}`, path)
