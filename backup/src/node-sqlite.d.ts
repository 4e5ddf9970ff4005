/**
 * The part of `node:sqlite` (Node >= 22.5; unflagged from 22.13; `readOnly` from 22.12) the runner uses. @types/node
 * 20, which type-checks this repository, does not declare the module; the runner runs on the pinned Node 24 image.
 */
declare module "node:sqlite" {
  export class StatementSync {
    get(...params: unknown[]): Record<string, unknown> | undefined;
    all(...params: unknown[]): Record<string, unknown>[];
    run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  }
  export class DatabaseSync {
    constructor(path: string, options?: { open?: boolean; readOnly?: boolean });
    exec(sql: string): void;
    prepare(sql: string): StatementSync;
    close(): void;
  }
}
