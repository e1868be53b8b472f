/**
 * Types of bottleneck's light build (the one the throttling plugin uses, without the
 * clustering code): the same API as the full build, whose types the package ships.
 */
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck'
  export default Bottleneck
}
