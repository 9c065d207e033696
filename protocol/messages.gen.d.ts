import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace loopnet. */
export namespace loopnet {

    /** Status enum. */
    enum Status {

        /** STATUS_UNSPECIFIED value */
        STATUS_UNSPECIFIED = 0,

        /** KEEP value */
        KEEP = 1,

        /** DISCARD value */
        DISCARD = 2,

        /** CRASH value */
        CRASH = 3,

        /** REJECTED value */
        REJECTED = 4
    }

    /**
     * Properties of an ExperimentRecord.
     * @deprecated Use loopnet.ExperimentRecord.$Properties instead.
     */
    interface IExperimentRecord extends loopnet.ExperimentRecord.$Properties {
    }

    /** Represents an ExperimentRecord. */
    class ExperimentRecord {

        /**
         * Constructs a new ExperimentRecord.
         * @param [properties] Properties to set
         */
        constructor(properties?: loopnet.ExperimentRecord.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** ExperimentRecord genesis. */
        genesis: string;

        /** ExperimentRecord author. */
        author: string;

        /** ExperimentRecord seq. */
        seq: number;

        /** ExperimentRecord parentHash. */
        parentHash: string;

        /** ExperimentRecord fileHash. */
        fileHash: string;

        /** ExperimentRecord diff. */
        diff: string;

        /** ExperimentRecord status. */
        status: loopnet.Status;

        /** ExperimentRecord valBpb. */
        valBpb: number;

        /** ExperimentRecord trainingSeconds. */
        trainingSeconds: number;

        /** ExperimentRecord totalSeconds. */
        totalSeconds: number;

        /** ExperimentRecord peakMemMb. */
        peakMemMb: number;

        /** ExperimentRecord tier. */
        tier: string;

        /** ExperimentRecord description. */
        description: string;

        /** ExperimentRecord createdAt. */
        createdAt: number;

        /** ExperimentRecord version. */
        version: number;

        /** ExperimentRecord budgetSeconds. */
        budgetSeconds: number;

        /** ExperimentRecord startupSeconds. */
        startupSeconds: number;

        /** ExperimentRecord evalSeconds. */
        evalSeconds: number;

        /** ExperimentRecord probeSeconds. */
        probeSeconds: number;

        /** ExperimentRecord numParams. */
        numParams: number;

        /** ExperimentRecord seed. */
        seed: number;

        /** ExperimentRecord reason. */
        reason: string;

        /** ExperimentRecord unsandboxed. */
        unsandboxed: boolean;

        /** ExperimentRecord noiseSigma. */
        noiseSigma: number;

        /** ExperimentRecord noiseDof. */
        noiseDof: number;

        /** ExperimentRecord signature. */
        signature: Uint8Array;

        /**
         * Encodes the specified ExperimentRecord message. Does not implicitly {@link loopnet.ExperimentRecord.verify|verify} messages.
         * @param message ExperimentRecord message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: loopnet.ExperimentRecord.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an ExperimentRecord message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {loopnet.ExperimentRecord & loopnet.ExperimentRecord.$Shape} ExperimentRecord
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): loopnet.ExperimentRecord & loopnet.ExperimentRecord.$Shape;
    }

    namespace ExperimentRecord {

        /** Properties of an ExperimentRecord. */
        interface $Properties {

            /** ExperimentRecord genesis */
            genesis?: (string|null);

            /** ExperimentRecord author */
            author?: (string|null);

            /** ExperimentRecord seq */
            seq?: (number|null);

            /** ExperimentRecord parentHash */
            parentHash?: (string|null);

            /** ExperimentRecord fileHash */
            fileHash?: (string|null);

            /** ExperimentRecord diff */
            diff?: (string|null);

            /** ExperimentRecord status */
            status?: (loopnet.Status|null);

            /** ExperimentRecord valBpb */
            valBpb?: (number|null);

            /** ExperimentRecord trainingSeconds */
            trainingSeconds?: (number|null);

            /** ExperimentRecord totalSeconds */
            totalSeconds?: (number|null);

            /** ExperimentRecord peakMemMb */
            peakMemMb?: (number|null);

            /** ExperimentRecord tier */
            tier?: (string|null);

            /** ExperimentRecord description */
            description?: (string|null);

            /** ExperimentRecord createdAt */
            createdAt?: (number|null);

            /** ExperimentRecord version */
            version?: (number|null);

            /** ExperimentRecord budgetSeconds */
            budgetSeconds?: (number|null);

            /** ExperimentRecord startupSeconds */
            startupSeconds?: (number|null);

            /** ExperimentRecord evalSeconds */
            evalSeconds?: (number|null);

            /** ExperimentRecord probeSeconds */
            probeSeconds?: (number|null);

            /** ExperimentRecord numParams */
            numParams?: (number|null);

            /** ExperimentRecord seed */
            seed?: (number|null);

            /** ExperimentRecord reason */
            reason?: (string|null);

            /** ExperimentRecord unsandboxed */
            unsandboxed?: (boolean|null);

            /** ExperimentRecord noiseSigma */
            noiseSigma?: (number|null);

            /** ExperimentRecord noiseDof */
            noiseDof?: (number|null);

            /** ExperimentRecord signature */
            signature?: (Uint8Array|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an ExperimentRecord. */
        type $Shape = loopnet.ExperimentRecord.$Properties;
    }

    /**
     * Properties of a FetchRequest.
     * @deprecated Use loopnet.FetchRequest.$Properties instead.
     */
    interface IFetchRequest extends loopnet.FetchRequest.$Properties {
    }

    /** Represents a FetchRequest. */
    class FetchRequest {

        /**
         * Constructs a new FetchRequest.
         * @param [properties] Properties to set
         */
        constructor(properties?: loopnet.FetchRequest.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** FetchRequest hash. */
        hash: string;

        /**
         * Encodes the specified FetchRequest message. Does not implicitly {@link loopnet.FetchRequest.verify|verify} messages.
         * @param message FetchRequest message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: loopnet.FetchRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a FetchRequest message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {loopnet.FetchRequest & loopnet.FetchRequest.$Shape} FetchRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): loopnet.FetchRequest & loopnet.FetchRequest.$Shape;
    }

    namespace FetchRequest {

        /** Properties of a FetchRequest. */
        interface $Properties {

            /** FetchRequest hash */
            hash?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a FetchRequest. */
        type $Shape = loopnet.FetchRequest.$Properties;
    }

    /**
     * Properties of a FetchResponse.
     * @deprecated Use loopnet.FetchResponse.$Properties instead.
     */
    interface IFetchResponse extends loopnet.FetchResponse.$Properties {
    }

    /** Represents a FetchResponse. */
    class FetchResponse {

        /**
         * Constructs a new FetchResponse.
         * @param [properties] Properties to set
         */
        constructor(properties?: loopnet.FetchResponse.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** FetchResponse result. */
        result: loopnet.FetchResponse.Result;

        /** FetchResponse content. */
        content: Uint8Array;

        /**
         * Encodes the specified FetchResponse message. Does not implicitly {@link loopnet.FetchResponse.verify|verify} messages.
         * @param message FetchResponse message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: loopnet.FetchResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a FetchResponse message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {loopnet.FetchResponse & loopnet.FetchResponse.$Shape} FetchResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): loopnet.FetchResponse & loopnet.FetchResponse.$Shape;
    }

    namespace FetchResponse {

        /** Properties of a FetchResponse. */
        interface $Properties {

            /** FetchResponse result */
            result?: (loopnet.FetchResponse.Result|null);

            /** FetchResponse content */
            content?: (Uint8Array|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a FetchResponse. */
        type $Shape = loopnet.FetchResponse.$Properties;

        /** Result enum. */
        enum Result {

            /** RESULT_UNSPECIFIED value */
            RESULT_UNSPECIFIED = 0,

            /** FOUND value */
            FOUND = 1,

            /** NOT_FOUND value */
            NOT_FOUND = 2
        }
    }

    /**
     * Properties of a SyncRequest.
     * @deprecated Use loopnet.SyncRequest.$Properties instead.
     */
    interface ISyncRequest extends loopnet.SyncRequest.$Properties {
    }

    /** Represents a SyncRequest. */
    class SyncRequest {

        /**
         * Constructs a new SyncRequest.
         * @param [properties] Properties to set
         */
        constructor(properties?: loopnet.SyncRequest.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** SyncRequest cursor. */
        cursor: number;

        /** SyncRequest limit. */
        limit: number;

        /**
         * Encodes the specified SyncRequest message. Does not implicitly {@link loopnet.SyncRequest.verify|verify} messages.
         * @param message SyncRequest message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: loopnet.SyncRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a SyncRequest message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {loopnet.SyncRequest & loopnet.SyncRequest.$Shape} SyncRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): loopnet.SyncRequest & loopnet.SyncRequest.$Shape;
    }

    namespace SyncRequest {

        /** Properties of a SyncRequest. */
        interface $Properties {

            /** SyncRequest cursor */
            cursor?: (number|null);

            /** SyncRequest limit */
            limit?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a SyncRequest. */
        type $Shape = loopnet.SyncRequest.$Properties;
    }

    /**
     * Properties of a SyncResponse.
     * @deprecated Use loopnet.SyncResponse.$Properties instead.
     */
    interface ISyncResponse extends loopnet.SyncResponse.$Properties {
    }

    /** Represents a SyncResponse. */
    class SyncResponse {

        /**
         * Constructs a new SyncResponse.
         * @param [properties] Properties to set
         */
        constructor(properties?: loopnet.SyncResponse.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** SyncResponse records. */
        records: Uint8Array[];

        /** SyncResponse nextCursor. */
        nextCursor: number;

        /** SyncResponse done. */
        done: boolean;

        /**
         * Encodes the specified SyncResponse message. Does not implicitly {@link loopnet.SyncResponse.verify|verify} messages.
         * @param message SyncResponse message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: loopnet.SyncResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a SyncResponse message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {loopnet.SyncResponse & loopnet.SyncResponse.$Shape} SyncResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): loopnet.SyncResponse & loopnet.SyncResponse.$Shape;
    }

    namespace SyncResponse {

        /** Properties of a SyncResponse. */
        interface $Properties {

            /** SyncResponse records */
            records?: (Uint8Array[]|null);

            /** SyncResponse nextCursor */
            nextCursor?: (number|null);

            /** SyncResponse done */
            done?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a SyncResponse. */
        type $Shape = loopnet.SyncResponse.$Properties;
    }

    /** ClaimKind enum. */
    enum ClaimKind {

        /** CLAIM_KIND_UNSPECIFIED value */
        CLAIM_KIND_UNSPECIFIED = 0,

        /** REMEASURE value */
        REMEASURE = 1,

        /** EDIT value */
        EDIT = 2
    }

    /**
     * Properties of a Claim.
     * @deprecated Use loopnet.Claim.$Properties instead.
     */
    interface IClaim extends loopnet.Claim.$Properties {
    }

    /** Represents a Claim. */
    class Claim {

        /**
         * Constructs a new Claim.
         * @param [properties] Properties to set
         */
        constructor(properties?: loopnet.Claim.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Claim genesis. */
        genesis: string;

        /** Claim author. */
        author: string;

        /** Claim kind. */
        kind: loopnet.ClaimKind;

        /** Claim parentHash. */
        parentHash: string;

        /** Claim fileHash. */
        fileHash: string;

        /** Claim tier. */
        tier: string;

        /** Claim budgetSeconds. */
        budgetSeconds: number;

        /** Claim description. */
        description: string;

        /** Claim createdAt. */
        createdAt: number;

        /** Claim ttlSeconds. */
        ttlSeconds: number;

        /** Claim signature. */
        signature: Uint8Array;

        /**
         * Encodes the specified Claim message. Does not implicitly {@link loopnet.Claim.verify|verify} messages.
         * @param message Claim message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: loopnet.Claim.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Claim message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {loopnet.Claim & loopnet.Claim.$Shape} Claim
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): loopnet.Claim & loopnet.Claim.$Shape;
    }

    namespace Claim {

        /** Properties of a Claim. */
        interface $Properties {

            /** Claim genesis */
            genesis?: (string|null);

            /** Claim author */
            author?: (string|null);

            /** Claim kind */
            kind?: (loopnet.ClaimKind|null);

            /** Claim parentHash */
            parentHash?: (string|null);

            /** Claim fileHash */
            fileHash?: (string|null);

            /** Claim tier */
            tier?: (string|null);

            /** Claim budgetSeconds */
            budgetSeconds?: (number|null);

            /** Claim description */
            description?: (string|null);

            /** Claim createdAt */
            createdAt?: (number|null);

            /** Claim ttlSeconds */
            ttlSeconds?: (number|null);

            /** Claim signature */
            signature?: (Uint8Array|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Claim. */
        type $Shape = loopnet.Claim.$Properties;
    }
}
