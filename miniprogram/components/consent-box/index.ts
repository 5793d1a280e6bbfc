// A consent text with one big tick row. Nothing is ticked for the user; the page decides what ticking means.
Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    title: { type: String, value: '' },
    text: { type: String, value: '' },
    checked: { type: Boolean, value: false },
    /** 「必须同意」 or 「可以不同意」, shown next to the title. */
    note: { type: String, value: '' },
    label: { type: String, value: '我已阅读并同意' },
    error: { type: String, value: '' },
  },
  methods: {
    onToggle() {
      this.triggerEvent('change', { checked: !this.data.checked })
    },
  },
})
