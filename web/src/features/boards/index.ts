// Board layouts, file drops and the media viewer: the boards feature's public face.
export { FileDrop } from './FileDrop'
export { type BoardLayout, LAYOUTS, flowOrder, movableIn, timelineOrder } from './layouts'
export { MediaViewer } from './MediaViewer'
