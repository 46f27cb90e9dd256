// layout.ts — where each thing lives under the storage directory.

import { join } from 'node:path';
import { hexOf, type Digest } from '../../02-images/index.js';

// #region layout
// One blob store for all, and links per repository (distribution's layout):
//   <root>/images/blobs/sha256/<hex>                          the bytes (chapter 02's ContentStore)
//   <root>/repositories/<name>/_layers/sha256/<hex>/link      a blob pushed to <name>
//   <root>/repositories/<name>/_manifests/revisions/sha256/<hex>/link
//   <root>/repositories/<name>/_manifests/tags/<tag>/current/link
//   <root>/repositories/<name>/_manifests/referrers/<subject-hex>/<hex>/link
//   <root>/repositories/<name>/_uploads/<id>/data                an upload session
export class Layout {
  readonly repositories: string;
  constructor(readonly root: string) {
    this.repositories = join(root, 'repositories');
  }

  repository = (name: string) => join(this.repositories, name);
  layerLink = (name: string, digest: Digest) => join(this.repository(name), '_layers', 'sha256', hexOf(digest), 'link');
  layersDir = (name: string) => join(this.repository(name), '_layers', 'sha256');
  revisionLink = (name: string, digest: Digest) => join(this.revisionsDir(name), hexOf(digest), 'link');
  revisionsDir = (name: string) => join(this.repository(name), '_manifests', 'revisions', 'sha256');
  tagLink = (name: string, tag: string) => join(this.tagDir(name, tag), 'current', 'link');
  tagDir = (name: string, tag: string) => join(this.tagsDir(name), tag);
  tagsDir = (name: string) => join(this.repository(name), '_manifests', 'tags');
  referrersDir = (name: string, subject: Digest) => join(this.repository(name), '_manifests', 'referrers', hexOf(subject));
  referrerLink = (name: string, subject: Digest, digest: Digest) => join(this.referrersDir(name, subject), hexOf(digest), 'link');
  uploadsDir = (name: string) => join(this.repository(name), '_uploads');
  uploadDir = (name: string, id: string) => join(this.uploadsDir(name), id);
}
// #endregion layout
