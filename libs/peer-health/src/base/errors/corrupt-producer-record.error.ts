/**
 * A producer channel's ring holds something that is not a record of this kit (a producer that died
 * mid-write, or memory written by someone else): the channel is dropped, nothing half-read is applied.
 * @internal Never leaves the tracker: the channel is closed and counted instead.
 */
export class CorruptProducerRecord extends Error {
  override readonly name = 'CorruptProducerRecord';
}
