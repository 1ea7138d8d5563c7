/**
 * A small valid IVR menu for tests: one prompt, key 1 and every failure to the general queue.
 * `extra` replaces any field (name, options, timeouts …).
 */
export function queueMenu(code: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code,
    name: `菜单 ${code}`,
    prompts: ['menu-main'],
    timeoutSeconds: 5,
    retries: 1,
    invalidPrompt: 'invalid-input',
    options: { '1': { type: 'queue', skill: 'general' } },
    onFailure: { type: 'queue', skill: 'general' },
    ...extra,
  };
}
