/*
 * The police app's service worker: the app shell offline (see shared/web/sw-shell.ts). Keys,
 * status lists and portraits are not the shell's: the app fetches and keeps those itself.
 */
import { keepShellOffline } from '../../shared/web/sw-shell.js';

keepShellOffline('lz-verifier-');
