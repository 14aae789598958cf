/** What a version 2 presentation's QR text starts with (FORMAT.md §8.5); the version is in it. */
export const PRESENTATION_PREFIX_V2 = 'LZ2:';
