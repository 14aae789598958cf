/** The routes an express app really has, read from its router stack. */

/** The part of an express 5 router layer read here (router 2.x). */
interface Layer {
  readonly route?: {
    readonly path: string;
    readonly methods: Record<string, boolean>;
    readonly stack: readonly { readonly handle: unknown }[];
  };
  readonly rawPath?: unknown;
  readonly handle: unknown;
}

/**
 * The routes of a router as `METHOD /path` (express form, `:id`): its own routes, and those of
 * every router mounted in it, under the mount path. Read from the app itself, so that a new
 * route or a new router is found without being named anywhere. `where` keeps only the routes
 * whose handlers it accepts.
 */
export function routesOf(
  router: { readonly stack: unknown },
  prefix = '',
  where: (handlers: readonly unknown[]) => boolean = () => true,
): string[] {
  return (router.stack as readonly Layer[]).flatMap((layer) => {
    const route = layer.route;
    if (route !== undefined)
      return !where(route.stack.map((l) => l.handle))
        ? []
        : Object.keys(route.methods).map(
            (method) => `${method.toUpperCase()} ${prefix}${route.path}`,
          );
    const mounted: unknown = layer.handle;
    if (typeof mounted !== 'function' || !('stack' in mounted) || !Array.isArray(mounted.stack))
      return [];
    if (typeof layer.rawPath !== 'string')
      throw new Error(`a router mounted at ${String(layer.rawPath)}: expected a string path`);
    return routesOf(
      { stack: mounted.stack },
      `${prefix}${layer.rawPath === '/' ? '' : layer.rawPath}`,
      where,
    );
  });
}
