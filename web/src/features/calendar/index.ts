// The calendar feature's public face: other features import only from here.
export { CalendarScreen } from './CalendarScreen'
