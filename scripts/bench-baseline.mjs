// The benchmark's baseline: a bare Koa app answering {"hello":"world"}, so
// Cuota's numbers can be read as ratios of what this machine does at best.
import Koa from 'koa';

const app = new Koa();
app.use((ctx) => {
  ctx.body = { hello: 'world' };
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('baseline listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
