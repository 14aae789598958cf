/** The OpenAPI 3.1 document of the service. */
export function openApiDocument(publicUrl: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'liangzheng issuer', version: '0.1.0' },
    servers: [{ url: publicUrl }],
    paths: {},
  };
}
