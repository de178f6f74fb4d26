import { type FileDownload, FilesService } from '#files';
import type { Actor } from '#identity';
import { RequestFiles } from '#requests';
import { Controller, Get, HttpCode, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '../http/api-errors.js';
import { CurrentActor, Roles } from '../http/decorators.js';
import { ErrorResponseDto } from '../http/error-response.dto.js';
import { AttachedFileDto, FileDto, FileIdParamsDto, RequestFileParamsDto, UploadQueryDto } from './files.dto.js';
import { RequestIdParamsDto } from '../requests/requests.dto.js';
import { receiveOneFile } from './multipart.js';

/** The bytes as a download: never shown in place, never sniffed again by the browser, never run. */
function sendFile(res: FastifyReply, { file, body }: FileDownload): StreamableFile {
  res.headers({
    'Content-Type': file.contentType,
    'Content-Length': String(file.size),
    'Content-Disposition': `attachment; filename="${file.name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
  });
  return new StreamableFile(body);
}

const DOWNLOAD = {
  content: {
    'application/pdf': { schema: { type: 'string', format: 'binary' } },
    'image/jpeg': { schema: { type: 'string', format: 'binary' } },
    'image/png': { schema: { type: 'string', format: 'binary' } },
    'application/ofd': { schema: { type: 'string', format: 'binary' } },
  },
};

@ApiTags('files')
@ApiBearerAuth()
@Controller()
export class FilesController {
  constructor(
    private readonly files: FilesService,
    private readonly requestFiles: RequestFiles,
  ) {}

  @Post('files')
  @Roles('applicant', 'clerk')
  @ApiOperation({
    summary: 'Upload a material as a file (applicant for their company; clerk for a company, 代办)',
    description:
      'multipart/form-data with one part named file. The bytes stream to storage, hashed (SHA-256) and counted as ' +
      'they come; their type is read from the bytes: PDF, JPEG, PNG or OFD, anything else a 415 naming what was found. ' +
      'Over FILE_MAX_BYTES is a 413, stopped while streaming. The same bytes twice are stored once.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
  })
  @ApiCreatedResponse({ type: FileDto })
  @ApiErrors(400, 401, 403, 404)
  @ApiResponse({ status: 413, type: ErrorResponseDto, description: 'The file is over its size limit' })
  @ApiResponse({ status: 415, type: ErrorResponseDto, description: 'Not a PDF, JPEG, PNG or OFD file' })
  async upload(
    @CurrentActor() actor: Actor,
    @Query() query: UploadQueryDto,
    @Req() req: FastifyRequest,
  ): Promise<FileDto> {
    const owner = await this.files.ownerFor(actor, query.companyUscc);
    const { name, received } = await receiveOneFile(req.raw, this.files.limits.maxFileBytes, (stream) =>
      this.files.receive(stream),
    );
    return this.files.save(actor, owner, name, received);
  }

  @Get('files/:fileId')
  @ApiOperation({ summary: "A file of one's own: the company's, or one this hall uploaded for a company (else 404)" })
  @ApiOkResponse({ type: FileDto })
  @ApiErrors(400, 401, 404)
  get(@CurrentActor() actor: Actor, @Param() params: FileIdParamsDto): Promise<FileDto> {
    return this.files.ownView(actor, params.fileId);
  }

  @Get('files/:fileId/content')
  @ApiOperation({ summary: "The bytes of a file of one's own, as a download (audited)" })
  @ApiProduces('application/pdf', 'image/jpeg', 'image/png', 'application/ofd')
  @ApiResponse({ status: 200, description: 'The file', ...DOWNLOAD })
  @ApiErrors(400, 401, 404)
  async content(
    @CurrentActor() actor: Actor,
    @Param() params: FileIdParamsDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<StreamableFile> {
    return sendFile(res, await this.files.downloadOwn(actor, params.fileId));
  }

  @Get('requests/:id/files')
  @ApiTags('requests')
  @ApiOperation({ summary: "The files a request's materials were handed in as (whoever may see the request)" })
  @ApiOkResponse({ type: [AttachedFileDto] })
  @ApiErrors(400, 401, 404)
  listOfRequest(@CurrentActor() actor: Actor, @Param() params: RequestIdParamsDto): Promise<AttachedFileDto[]> {
    return this.requestFiles.list(actor, params.id);
  }

  @Get('requests/:id/files/:fileId/content')
  @HttpCode(200)
  @ApiTags('requests')
  @ApiOperation({
    summary: "A file of a request's materials, as a download: on the request's timeline (request.file-downloaded)",
  })
  @ApiProduces('application/pdf', 'image/jpeg', 'image/png', 'application/ofd')
  @ApiResponse({ status: 200, description: 'The file', ...DOWNLOAD })
  @ApiErrors(400, 401, 404)
  async contentOfRequest(
    @CurrentActor() actor: Actor,
    @Param() params: RequestFileParamsDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<StreamableFile> {
    return sendFile(res, await this.requestFiles.download(actor, params.id, params.fileId));
  }
}
