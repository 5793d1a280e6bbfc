// Download a temporary file URL and open it in WeChat's document viewer (exports from the committee's pages).
export function openXlsx(url: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    wx.downloadFile({
      url,
      success: (file) =>
        wx.openDocument({
          filePath: file.tempFilePath,
          fileType: 'xlsx',
          showMenu: true,
          success: () => resolve(),
          fail: reject,
        }),
      fail: reject,
    })
  })
}
