/** What a version 1 presentation's QR text starts with; the version is in it (FORMAT.md §4). */
export const PRESENTATION_PREFIX = 'LZ1:';
