// A big entry: title, an optional second line, an arrow. The page handles the tap.
Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    title: { type: String, value: '' },
    desc: { type: String, value: '' },
    arrow: { type: Boolean, value: true },
    primary: { type: Boolean, value: false },
  },
})
