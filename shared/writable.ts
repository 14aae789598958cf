/**
 * `T` with its members writable: for building a result whose optional members are set one by
 * one, so that every result has the same shape (a literal with `...(x ? { x } : {})` spreads
 * makes a new hidden class per combination, which costs a hot path several microseconds).
 */
export type Writable<T> = { -readonly [K in keyof T]: T[K] };
