// Share cards (onShareAppMessage): the picture every card without a picture of its own carries. Without one WeChat
// shows a screenshot of the page, which on a roster or a chain would put residents' names into a group chat.
export const SHARE_IMAGE = '/images/share.png'
