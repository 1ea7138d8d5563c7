/**
 * A frame over the size limit (`MAX_FRAME_BYTES`, set on the WebSocket server) makes `ws` close the
 * socket with 1009 and report an error on it: log it as the limit it is, never let it go unhandled.
 */
import type { WebSocket } from 'ws';

export function watchFrames(socket: WebSocket, account: string, what: string, log: { warn(details: object, message: string): void }): void {
  socket.on('error', (error: Error) => {
    const tooBig = /max payload/i.test(error.message);
    log.warn({ account, socket: what, err: error.message }, tooBig ? 'socket closed: frame too large' : 'socket error');
  });
}
