/** Open a page; when the page stack is full (10 pages), replace the current one instead of failing silently. */
export function openPage(url: string): void {
  wx.navigateTo({ url, fail: () => wx.redirectTo({ url }) })
}
