/** A tiny path router: `/channels/{channelId}/play` style templates, per-method handlers. */
import type { HttpResult, Params } from './http.js';

export type Handler = (p: Params) => HttpResult | Promise<HttpResult>;

interface Route {
  segments: string[];
  methods: Map<string, Handler>;
}

export type RouteMatch = { kind: 'found'; handler: Handler; path: Record<string, string> } | { kind: 'no-route' } | { kind: 'no-method'; allow: string[] };

export class Router {
  private readonly routes: Route[] = [];

  on(method: string, template: string, handler: Handler): this {
    const segments = template.split('/').filter((s) => s !== '');
    let route = this.routes.find((r) => r.segments.join('/') === segments.join('/'));
    if (!route) {
      route = { segments, methods: new Map() };
      this.routes.push(route);
    }
    route.methods.set(method.toUpperCase(), handler);
    return this;
  }

  match(method: string, path: string): RouteMatch {
    const parts = path.split('/').filter((s) => s !== '');
    let best: { route: Route; vars: Record<string, string>; literal: number } | undefined;
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue;
      const vars: Record<string, string> = {};
      let ok = true;
      let literal = 0;
      route.segments.forEach((seg, i) => {
        const part = parts[i] ?? '';
        if (seg.startsWith('{') && seg.endsWith('}')) vars[seg.slice(1, -1)] = decodeURIComponent(part);
        else if (seg === part) literal++;
        else ok = false;
      });
      // Literal segments win over wildcards (`/channels/create` over `/channels/{channelId}`).
      if (ok && (!best || literal > best.literal)) best = { route, vars, literal };
    }
    if (!best) return { kind: 'no-route' };
    const handler = best.route.methods.get(method.toUpperCase());
    if (!handler) return { kind: 'no-method', allow: [...best.route.methods.keys()] };
    return { kind: 'found', handler, path: best.vars };
  }
}
