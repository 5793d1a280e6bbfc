// Photos a client hands the groupbuy function by fileID (a merchant's licences and certificates, a complaint's
// evidence), checked as antigen's submission checks kit photos: exactly in the caller's own folder of this
// environment's bucket, each used once, and an image within MAX_PHOTO_BYTES by what storage holds (its first bytes
// and stored size), never by what the phone says. Also the text fields both forms share.
import { z } from '../../../server/kernel'

// The photo checks are the platform's (server/platform/photos.ts), shared with the delivery relay.
export { checkPhotos, fileIdSchema } from '../../../server/platform/photos'

/** One line of text: trimmed, `min`–`max` characters, with a letter or digit, no tabs or line breaks. */
export const textField = (label: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => !/[\t\r\n]/.test(s) && /[\p{L}\p{N}]/u.test(s), {
      message: `「${label}」请填写文字，不能只有空格或符号`,
    })
    .describe(label)
