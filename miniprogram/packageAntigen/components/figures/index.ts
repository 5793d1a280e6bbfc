// The eight figures of one table row (a building, a 营 or the total) as a 4 × 2 grid of big numbers.
Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    /** expected, submitted, missing, people, negative, positive, invalid, untested */
    f: { type: Object, value: {} },
  },
})
