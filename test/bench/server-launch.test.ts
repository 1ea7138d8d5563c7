import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nodeOptionsOf, serverNodeOptions } from './server-launch.js';

describe('the node options the server is started with', () => {
  it('are read from npm start, keep V8 from throwing optimised code away after a quiet spell, and this node accepts them', () => {
    const options = serverNodeOptions();
    expect(options).toContain('--no-memory-reducer');
    // node refuses an option it does not know (exit code 9): a misspelt one would stop the server from starting.
    expect(() => execFileSync(process.execPath, [...options, '-e', '0'], { stdio: 'pipe' })).not.toThrow();
  });

  it('are the options between node and dist/main.js, and a start script of another shape is refused', () => {
    expect(nodeOptionsOf('npm run build && node dist/main.js')).toEqual([]);
    expect(nodeOptionsOf('npm run build && node --no-memory-reducer --max-old-space-size=4096 dist/main.js')).toEqual([
      '--no-memory-reducer',
      '--max-old-space-size=4096',
    ]);
    expect(() => nodeOptionsOf('npm run build && tsx main.ts')).toThrow(/node \[options\] dist\/main\.js/);
    expect(() => nodeOptionsOf('node dist/main.js --verbose')).toThrow();
  });
});
