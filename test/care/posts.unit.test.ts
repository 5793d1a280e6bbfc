// Posts as a run of neighbouring buildings in the community's order (server/community/shifts.ts).
import { postRunProblem, postsText, runBetween } from '../../server/community/shifts'

const B = ['1号', '2号', '3号', '4号', '5号', '6号'].map((name, order) => ({
  _id: `b${order + 1}`,
  id: `b${order + 1}`,
  name,
  order,
}))

describe('posts as a run of neighbours', () => {
  it('accepts one building and any run in order, whatever order the ids come in', () => {
    expect(postRunProblem(['b3'], B)).toBeUndefined()
    expect(postRunProblem(['b3', 'b4', 'b5', 'b6'], B)).toBeUndefined()
    expect(postRunProblem(['b6', 'b4', 'b5'], B)).toBeUndefined()
  })

  it('refuses a gap, naming the run and what is missing', () => {
    expect(postRunProblem(['b1', 'b3'], B)).toBe(
      '负责楼栋应是相邻的几栋楼（按小区的楼栋顺序），如 1号–3号；中间缺了 2号',
    )
    expect(postRunProblem(['b1', 'b6'], B)).toContain('中间缺了 2号、3号、4号')
  })

  it('lists the buildings between two, either way round', () => {
    expect(runBetween(B, 'b3', 'b5').map((b) => b.name)).toEqual(['3号', '4号', '5号'])
    expect(runBetween(B, 'b5', 'b3').map((b) => b.name)).toEqual(['3号', '4号', '5号'])
    expect(runBetween(B, 'b2', 'b2').map((b) => b.name)).toEqual(['2号'])
    expect(runBetween(B, 'b2', 'nope')).toEqual([])
  })

  it('writes a run of three or more as 首–尾, anything else by name in order', () => {
    expect(postsText([B[5], B[3], B[4]] as never)).toBe('4号–6号')
    expect(postsText([B[2], B[1]] as never)).toBe('2号、3号')
    expect(postsText([B[0], B[2], B[3]] as never)).toBe('1号、3号、4号')
    expect(postsText([])).toBe('')
  })
})
