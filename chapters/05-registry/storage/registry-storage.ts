// registry-storage.ts — the storage directory, opened: one object per concern.

import { ContentStore } from '../../02-images/index.js';
import { Blobs } from './blobs.js';
import { Layout } from './layout.js';
import { Manifests } from './manifests.js';
import { Uploads } from './uploads.js';

// #region registry-storage
export class RegistryStorage {
  readonly store: ContentStore;
  readonly layout: Layout;
  readonly blobs: Blobs;
  readonly uploads: Uploads;
  readonly manifests: Manifests;

  constructor(readonly root: string) {
    this.store = new ContentStore(root);
    this.layout = new Layout(root);
    this.blobs = new Blobs(this.store, this.layout);
    this.uploads = new Uploads(this.store, this.layout, this.blobs);
    this.manifests = new Manifests(this.store, this.layout, this.blobs);
  }
}
// #endregion registry-storage
