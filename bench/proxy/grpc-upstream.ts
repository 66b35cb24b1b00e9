// Child process: one h2c replica shaped like a unary gRPC server: it reads the request, answers
// with one ~100-byte length-prefixed message and grpc-status 0 trailers. Prints {"port":N}.
import http2 from 'node:http2';

// A gRPC message frame: flag byte, 4-byte length, then 100 payload bytes.
const message = Buffer.concat([Buffer.from([0, 0, 0, 0, 100]), Buffer.alloc(100, 0x61)]);
const server = http2.createServer();
server.on('stream', (stream) => {
  stream.on('error', () => {});
  stream.on('data', () => {});
  stream.on('end', () => {
    if (stream.destroyed || stream.closed) return; // the caller cancelled (load generator stopping)
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(message);
  });
});
server.on('sessionError', () => {});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
