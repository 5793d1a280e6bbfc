// Dialogs as promises. WeChat limits confirmText to 4 characters.

export function confirm(title: string, content: string, confirmText = '确定', cancelText = '取消'): Promise<boolean> {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      content,
      confirmText,
      cancelText,
      success: (res) => resolve(res.confirm),
      fail: () => resolve(false),
    })
  })
}

/** A dialog with a text box; resolves with the trimmed text, or null when cancelled. */
export function prompt(title: string, placeholderText: string, content = ''): Promise<string | null> {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      content,
      editable: true,
      placeholderText,
      confirmText: '确定',
      cancelText: '取消',
      success: (res) => resolve(res.confirm ? (res.content ?? '').trim() : null),
      fail: () => resolve(null),
    })
  })
}

export function toast(title: string): void {
  wx.showToast({ title, icon: 'success' })
}
