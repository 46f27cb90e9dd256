// network.ts — the JSON of `POST /networks/create`, `/connect` and `/disconnect`, checked.

import * as v from 'valibot';

// #region network-schemas
const str = v.optional(v.nullable(v.string()));
const bool = v.optional(v.nullable(v.boolean()));
const labels = v.optional(v.nullable(v.record(v.string(), v.string())));

/** moby's network.EndpointSettings, as much of it as a request sets: aliases, a fixed address. */
export const EndpointSettingsSchema = v.looseObject({
  Aliases: v.optional(v.nullable(v.array(v.string()))),
  IPAMConfig: v.optional(v.nullable(v.looseObject({ IPv4Address: str }))),
});

export const NetworkCreateSchema = v.looseObject({
  Name: v.string(), Driver: str, Internal: bool, Attachable: bool, EnableIPv6: bool, CheckDuplicate: bool,
  IPAM: v.optional(v.nullable(v.looseObject({
    Driver: str,
    Config: v.optional(v.nullable(v.array(v.looseObject({ Subnet: str, Gateway: str, IPRange: str })))),
  }))),
  Options: labels, Labels: labels,
});

export const NetworkConnectSchema = v.looseObject({ Container: v.string(), EndpointConfig: v.optional(v.nullable(EndpointSettingsSchema)) });
export const NetworkDisconnectSchema = v.looseObject({ Container: v.string(), Force: bool });

export type EndpointSettings = v.InferOutput<typeof EndpointSettingsSchema>;
export type NetworkCreate = v.InferOutput<typeof NetworkCreateSchema>;
export type NetworkConnect = v.InferOutput<typeof NetworkConnectSchema>;
export type NetworkDisconnect = v.InferOutput<typeof NetworkDisconnectSchema>;
// #endregion network-schemas
