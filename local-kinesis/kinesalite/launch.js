// Starts kinesalite (in memory) on 127.0.0.1 at the port given (0: any free one) and prints the port it got.
// Streams are ACTIVE at once, like the local DynamoDB's tables. The process ends when its parent closes stdin
// (the JVM that started it exits, even when killed), so no emulator is left behind.
const kinesalite = require('kinesalite');

const port = Number(process.argv[2] || 0);
const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 })
  .listen(port, '127.0.0.1', () => console.log('kinesalite listening on port ' + server.address().port));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
