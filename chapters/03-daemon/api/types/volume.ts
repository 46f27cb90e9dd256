// volume.ts — the JSON of `POST /volumes/create` (moby's volume.CreateOptions), checked.

import * as v from 'valibot';

// #region volume-create-schema
const labels = v.optional(v.nullable(v.record(v.string(), v.string())));

export const VolumeCreateSchema = v.looseObject({
  Name: v.optional(v.nullable(v.string())),
  Driver: v.optional(v.nullable(v.string())),
  DriverOpts: labels,
  Labels: labels,
});

export type VolumeCreateBody = v.InferOutput<typeof VolumeCreateSchema>;
// #endregion volume-create-schema
