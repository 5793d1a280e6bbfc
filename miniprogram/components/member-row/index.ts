// One person in a household: the name and phone exactly as the API returns them for this viewer (masked or full),
// small tags for special-population flags, and whether they have linked WeChat.
Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    name: { type: String, value: '' },
    phone: { type: String, value: '' },
    /** 「1948年生」, or empty when the viewer may not see it. */
    born: { type: String, value: '' },
    /** Chinese labels of the flags. */
    flags: { type: Array, value: [] },
    linked: { type: Boolean, value: false },
  },
})
