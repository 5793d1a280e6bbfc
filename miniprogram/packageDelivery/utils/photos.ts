// A photo of the goods at the gate, a bag on a door handle or a problem: chosen from the album or taken, compressed,
// uploaded under delivery/<communityId>/<openid>/ (the folder the function takes them from), after the privacy
// authorisation.
export { choosePhoto, PhotoError, uploadPhoto } from '../../utils/photo'

/** The folder a delivery photo goes to: `delivery/<communityId>/<openid>`. */
export const photoFolder = (communityId: string, openid: string) => `delivery/${communityId}/${openid}`
