// @generated from library.openapi.json by openapi-typescript: document.test.ts checks it is fresh (BRICKS_TEST_WRITE_OPENAPI=1 rewrites it).
export interface paths {
    "/v1/shelves/{shelf}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** LibraryService.GetShelf */
        get: operations["LibraryService_GetShelf"];
        /** LibraryService.PutShelf */
        put: operations["LibraryService_PutShelf"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** LibraryService.GetBook */
        get: operations["LibraryService_GetBook"];
        put?: never;
        post?: never;
        /** LibraryService.DeleteBook */
        delete: operations["LibraryService_DeleteBook"];
        options?: never;
        head?: never;
        /** LibraryService.UpdateBook */
        patch: operations["LibraryService_UpdateBook"];
        trace?: never;
    };
    "/v1/books/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** LibraryService.GetBook */
        get: operations["LibraryService_GetBook_1"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/shelves/{shelf}/books/featured": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** LibraryService.GetFeaturedBook */
        get: operations["LibraryService_GetFeaturedBook"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/shelves/{shelf}/books": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** LibraryService.ListBooks */
        get: operations["LibraryService_ListBooks"];
        put?: never;
        /** LibraryService.CreateBook */
        post: operations["LibraryService_CreateBook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/{name}:archive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** LibraryService.ArchiveBook */
        post: operations["LibraryService_ArchiveBook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/files/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** LibraryService.GetFile */
        get: operations["LibraryService_GetFile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/{name}/cover": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** LibraryService.UploadCover */
        put: operations["LibraryService_UploadCover"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ingest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** LibraryService.Ingest */
        post: operations["LibraryService_Ingest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/fail/{code}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** LibraryService.Fail */
        get: operations["LibraryService_Fail"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        "bricks.gateway.test.v1.Book": {
            name?: string;
            title?: string;
            genre?: components["schemas"]["bricks.gateway.test.v1.Genre"];
            /** Format: int64 */
            pages?: string;
            /**
             * Format: date-time
             * @description RFC 3339 in UTC, for example 2024-01-02T03:04:05Z (up to 9 fractional digits).
             */
            published?: string;
            attributes?: {
                [key: string]: unknown;
            };
        };
        /** @enum {string} */
        "bricks.gateway.test.v1.Genre": "GENRE_UNSPECIFIED" | "GENRE_FICTION" | "GENRE_POETRY";
        "bricks.gateway.test.v1.ListBooksResponse": {
            books?: components["schemas"]["bricks.gateway.test.v1.Book"][];
            nextPageToken?: string;
        };
        "bricks.gateway.test.v1.Shelf": {
            /** Format: int64 */
            id?: string;
            theme?: string;
            labels?: string[];
        };
        "bricks.gateway.test.v1.UploadCoverResponse": {
            name?: string;
            /** Format: int64 */
            size?: string;
            contentType?: string;
        };
        /** @description An error: the gRPC status code, a message for developers, and details (empty from the bricks gateway). */
        "google.rpc.Status": {
            /**
             * Format: int32
             * @description The google.rpc.Code number, for example 5 for NOT_FOUND.
             */
            code: number;
            message: string;
            details: ({
                "@type": string;
            } & {
                [key: string]: unknown;
            })[];
        };
    };
    responses: {
        /** @description The request cannot be read into the RPC request: a bad path value, query parameter or body (code 3, INVALID_ARGUMENT); or the RPC answered with invalid_argument, failed_precondition or out_of_range. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["google.rpc.Status"];
            };
        };
        /** @description No route matches the path (code 5), or the RPC answered not_found. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["google.rpc.Status"];
            };
        };
        /** @description The path has routes, but not for this method (code 12); Allow lists those it has. */
        MethodNotAllowed: {
            headers: {
                /** @description The methods the path takes. */
                Allow?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["google.rpc.Status"];
            };
        };
        /** @description The RPC failed: the HTTP status of its code, as status and code: 499 cancelled, 500 unknown, 400 invalid_argument, 504 deadline_exceeded, 404 not_found, 409 already_exists, 403 permission_denied, 429 resource_exhausted, 400 failed_precondition, 409 aborted, 400 out_of_range, 501 unimplemented, 500 internal, 503 unavailable, 500 data_loss, 401 unauthenticated. */
        Error: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["google.rpc.Status"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    LibraryService_GetShelf: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                shelf: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description bricks.gateway.test.v1.Shelf */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["bricks.gateway.test.v1.Shelf"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    LibraryService_PutShelf: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                shelf: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    theme?: string;
                    labels?: string[];
                };
            };
        };
        responses: {
            /** @description bricks.gateway.test.v1.Shelf */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["bricks.gateway.test.v1.Shelf"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    LibraryService_GetBook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Matches shelves/*\/books/*; the value keeps its "/" unencoded. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description bricks.gateway.test.v1.Book */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["bricks.gateway.test.v1.Book"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    LibraryService_DeleteBook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Matches shelves/*\/books/*; the value keeps its "/" unencoded. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description google.protobuf.Empty */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    LibraryService_UpdateBook: {
        parameters: {
            query?: {
                updateMask?: string;
            };
            header?: never;
            path: {
                /**
                 * @description Binds book.name.
                 *
                 *     Matches shelves/*\/books/*; the value keeps its "/" unencoded.
                 */
                name: string;
            };
            cookie?: never;
        };
        /** @description The field book of bricks.gateway.test.v1.UpdateBookRequest. */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["bricks.gateway.test.v1.Book"];
            };
        };
        responses: {
            /** @description bricks.gateway.test.v1.Book */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["bricks.gateway.test.v1.Book"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    LibraryService_GetBook_1: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description bricks.gateway.test.v1.Book */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["bricks.gateway.test.v1.Book"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    LibraryService_GetFeaturedBook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                shelf: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description bricks.gateway.test.v1.Book */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["bricks.gateway.test.v1.Book"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    LibraryService_ListBooks: {
        parameters: {
            query?: {
                pageSize?: number;
                tags?: string[];
                "filter.author"?: string;
                "filter.genre"?: components["schemas"]["bricks.gateway.test.v1.Genre"];
                publishedAfter?: string;
                maxAge?: string;
                readMask?: string;
                minRating?: number;
                inPrint?: boolean;
                flag?: boolean;
                order?: string;
                genres?: components["schemas"]["bricks.gateway.test.v1.Genre"][];
                cursor?: string;
                token?: string;
            };
            header?: never;
            path: {
                shelf: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description bricks.gateway.test.v1.ListBooksResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["bricks.gateway.test.v1.ListBooksResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    LibraryService_CreateBook: {
        parameters: {
            query?: {
                requestId?: string;
            };
            header?: never;
            path: {
                shelf: string;
            };
            cookie?: never;
        };
        /** @description The field book of bricks.gateway.test.v1.CreateBookRequest. */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["bricks.gateway.test.v1.Book"];
            };
        };
        responses: {
            /** @description The field book of bricks.gateway.test.v1.CreateBookResponse. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["bricks.gateway.test.v1.Book"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    LibraryService_ArchiveBook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Matches shelves/*\/books/*; the value keeps its "/" unencoded. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description bricks.gateway.test.v1.Book */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["bricks.gateway.test.v1.Book"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    LibraryService_GetFile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Matches **; the value keeps its "/" unencoded. */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The raw body, in the content type the method answers with. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "*/*": string;
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    LibraryService_UploadCover: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Matches shelves/*\/books/*; the value keeps its "/" unencoded. */
                name: string;
            };
            cookie?: never;
        };
        /** @description The raw body, of any content type, as cover. */
        requestBody?: {
            content: {
                "*/*": string;
            };
        };
        responses: {
            /** @description bricks.gateway.test.v1.UploadCoverResponse */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["bricks.gateway.test.v1.UploadCoverResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    LibraryService_Ingest: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The raw body, of any content type. */
        requestBody?: {
            content: {
                "*/*": string;
            };
        };
        responses: {
            /** @description google.protobuf.Empty */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
    LibraryService_Fail: {
        parameters: {
            query?: {
                message?: string;
            };
            header?: never;
            path: {
                code: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description google.protobuf.Empty */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Error"];
        };
    };
}
