/**
 * Memory per page instance for what a page needs but does not render (ids behind a picker, the full API
 * answer), so that setData only carries what is on screen.
 */
export function pageStore<T>(initial: () => T) {
  const stores = new WeakMap<object, T>()
  return (page: object): T => {
    let store = stores.get(page)
    if (!store) {
      store = initial()
      stores.set(page, store)
    }
    return store
  }
}
