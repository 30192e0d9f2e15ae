// The notifications feature's public face: other parts import only from here.
export { Bell } from './Bell'
export { NotificationsScreen } from './NotificationsScreen'
