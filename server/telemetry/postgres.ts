// The measurement around every Postgres statement, attached once where the Prisma client is made
// (server/db.ts), through Prisma's own hooks:
// - traceparentComment, a SQL commenter plugin: inside a trace, each statement ends with
//   /*traceparent='00-<trace id>-<span id>-01'*/ (the sqlcommenter format), so pg_stat_activity and
//   Postgres's slow-statement log (log_min_duration_statement) name the click that sent it;
// - postgresHop, a query extension: the postgres hop is the time the request spent waiting on
//   Postgres (statements that overlap count once).
import type { SqlCommenterPlugin } from "@prisma/client/runtime/client";
import { Prisma } from "../generated/prisma/client";
import { currentScope, currentTrace, formatTraceparent, hopMs } from "./trace";

export const traceparentComment: SqlCommenterPlugin = () => {
  const trace = currentTrace();
  return trace ? { traceparent: formatTraceparent(trace) } : {};
};

export const postgresHop = Prisma.defineExtension({
  name: "postgres-hop",
  query: {
    async $allOperations({ args, query }) {
      const scope = currentScope();
      if (!scope) return query(args);
      const waiting = scope.postgres;
      if (waiting.running++ === 0) waiting.since = performance.now();
      try {
        return await query(args);
      } finally {
        if (--waiting.running === 0) {
          scope.hops.postgres = hopMs((scope.hops.postgres ?? 0) + performance.now() - waiting.since);
        }
      }
    },
  },
});
