/**
 * Size of the buffers tracker bodies are written into; a body is sent as these chunks, never joined.
 * @internal
 */
export const CHUNK_BYTES = 1 << 20;
