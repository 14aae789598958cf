/** What a request's QR text starts with (FORMAT.md §9.2); the version is in it. */
export const REQUEST_PREFIX = 'LZQ1:';
