// The video feature's public face: the live session view mounts only this.
export { CallPanel } from './components/CallPanel'
