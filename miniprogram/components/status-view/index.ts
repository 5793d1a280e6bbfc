// Loading, error and empty states: always say what happened and offer the next step as a big button.
Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    /** 'loading' | 'error' | 'empty' */
    state: { type: String, value: 'loading' },
    title: { type: String, value: '' },
    message: { type: String, value: '' },
    /** The button; errors default to 重试, empty states show none unless given. */
    actionText: { type: String, value: '' },
  },
  methods: {
    onAction() {
      this.triggerEvent('action')
    },
  },
})
