import { z } from 'zod';

import { containerRefSchema } from './containers';

/** The query of /api/logs/<container> and the logs page: how many lines, the view's filter, download or JSON. */
export const logsQuerySchema = z.object({
  container: containerRefSchema,
  tail: z.coerce
    .number()
    .int('Lines must be a whole number')
    .min(1, 'At least 1 line')
    .max(2000, 'At most 2000 lines')
    .default(200),
  q: z.string().max(200, 'A filter has at most 200 characters').default(''),
  download: z.enum(['1', 'true']).optional(),
});

export type LogsQuery = z.infer<typeof logsQuerySchema>;
