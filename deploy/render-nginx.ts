// Prints deploy/nginx.conf filled in for portals on other machines, e.g.
//   npx tsx deploy/render-nginx.ts --listen 80 --run-dir /var/lib/cuota-nginx \
//     --upstream 10.0.0.5:3000 --upstream 10.0.0.6:3000 > /etc/nginx/cuota.conf
// UPLOAD_MAX_MB in the environment (as the portals have it) sets the body limit.
import { parseArgs } from 'node:util';
import { renderNginxConfig } from './nginx-config.ts';

const { values } = parseArgs({
  options: {
    listen: { type: 'string', default: '127.0.0.1:8080' },
    'run-dir': { type: 'string', default: '/var/lib/cuota-nginx' },
    upstream: { type: 'string', multiple: true },
    help: { type: 'boolean' },
  },
});
if (values.help || !values.upstream?.length) {
  console.error('usage: tsx deploy/render-nginx.ts --upstream host:port [--upstream host:port ...] [--listen 80] [--run-dir DIR]');
  process.exit(values.help ? 0 : 2);
}
process.stdout.write(renderNginxConfig({ upstreams: values.upstream, listen: values.listen, runDir: values['run-dir'], env: process.env }));
