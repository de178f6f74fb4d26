import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A file a company handed in (a scanned material): its bytes live in the file storage under their
 * SHA-256, so the same bytes uploaded twice are kept once; this row is one upload of them.
 */
@Entity('stored_files')
@Index('idx_stored_files_sha256', ['sha256'])
@Index('idx_stored_files_company', ['companyUscc', 'createdAt'])
export class StoredFile {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ type: 'char', length: 64, charset: 'ascii', collation: 'ascii_bin' })
  sha256: string;

  @Column({ type: 'bigint', unsigned: true })
  size: string;

  /** What the bytes are, sniffed from them (never the name or the header the client sent). */
  @Column({ name: 'content_type', type: 'varchar', length: 100 })
  contentType: string;

  /** The name as the uploader gave it, made safe to show (no path, no control characters). */
  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** The company the file belongs to. */
  @Column({ name: 'company_uscc', type: 'char', length: 18 })
  companyUscc: string;

  @Column({ name: 'uploaded_by', type: 'bigint', unsigned: true })
  uploadedBy: string;

  /** The hall of the clerk who uploaded it for the company (代办), or null for the company's own. */
  @Column({ name: 'hall_code', type: 'varchar', length: 32, nullable: true })
  hallCode: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}

/** A file attached to a request as one of its materials; an attached file is never cleaned up. */
@Entity('request_files')
@Index('idx_request_files_file', ['fileId'])
export class RequestFile {
  @PrimaryColumn({ name: 'request_id', type: 'bigint', unsigned: true })
  requestId: string;

  @PrimaryColumn({ name: 'file_id', type: 'bigint', unsigned: true })
  fileId: string;

  @PrimaryColumn({ name: 'material_code', type: 'varchar', length: 32 })
  materialCode: string;

  @Column({ name: 'attached_at', type: 'datetime', precision: 3 })
  attachedAt: Date;
}
