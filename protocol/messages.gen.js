/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

// Exported root namespace
const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const loopnet = $root.loopnet = (() => {

    /**
     * Namespace loopnet.
     * @exports loopnet
     * @namespace
     */
    const loopnet = {};

    /**
     * Status enum.
     * @name loopnet.Status
     * @enum {number}
     * @property {number} STATUS_UNSPECIFIED=0 STATUS_UNSPECIFIED value
     * @property {number} KEEP=1 KEEP value
     * @property {number} DISCARD=2 DISCARD value
     * @property {number} CRASH=3 CRASH value
     * @property {number} REJECTED=4 REJECTED value
     */
    loopnet.Status = (function() {
        const valuesById = $Object.create(null), values = $Object.create(valuesById);
        values[valuesById[0] = "STATUS_UNSPECIFIED"] = 0;
        values[valuesById[1] = "KEEP"] = 1;
        values[valuesById[2] = "DISCARD"] = 2;
        values[valuesById[3] = "CRASH"] = 3;
        values[valuesById[4] = "REJECTED"] = 4;
        return values;
    })();

    loopnet.ExperimentRecord = (function() {

        /**
         * Properties of an ExperimentRecord.
         * @typedef {Object} loopnet.ExperimentRecord.$Properties
         * @property {string|null} [genesis] ExperimentRecord genesis
         * @property {string|null} [author] ExperimentRecord author
         * @property {number|null} [seq] ExperimentRecord seq
         * @property {string|null} [parentHash] ExperimentRecord parentHash
         * @property {string|null} [fileHash] ExperimentRecord fileHash
         * @property {string|null} [diff] ExperimentRecord diff
         * @property {loopnet.Status|null} [status] ExperimentRecord status
         * @property {number|null} [valBpb] ExperimentRecord valBpb
         * @property {number|null} [trainingSeconds] ExperimentRecord trainingSeconds
         * @property {number|null} [totalSeconds] ExperimentRecord totalSeconds
         * @property {number|null} [peakMemMb] ExperimentRecord peakMemMb
         * @property {string|null} [tier] ExperimentRecord tier
         * @property {string|null} [description] ExperimentRecord description
         * @property {number|null} [createdAt] ExperimentRecord createdAt
         * @property {number|null} [version] ExperimentRecord version
         * @property {number|null} [budgetSeconds] ExperimentRecord budgetSeconds
         * @property {number|null} [startupSeconds] ExperimentRecord startupSeconds
         * @property {number|null} [evalSeconds] ExperimentRecord evalSeconds
         * @property {number|null} [probeSeconds] ExperimentRecord probeSeconds
         * @property {number|null} [numParams] ExperimentRecord numParams
         * @property {number|null} [seed] ExperimentRecord seed
         * @property {string|null} [reason] ExperimentRecord reason
         * @property {boolean|null} [unsandboxed] ExperimentRecord unsandboxed
         * @property {number|null} [noiseSigma] ExperimentRecord noiseSigma
         * @property {number|null} [noiseDof] ExperimentRecord noiseDof
         * @property {Uint8Array|null} [signature] ExperimentRecord signature
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an ExperimentRecord.
         * @memberof loopnet
         * @interface IExperimentRecord
         * @augments loopnet.ExperimentRecord.$Properties
         * @deprecated Use loopnet.ExperimentRecord.$Properties instead.
         */

        /**
         * Shape of an ExperimentRecord.
         * @typedef {loopnet.ExperimentRecord.$Properties} loopnet.ExperimentRecord.$Shape
         */

        /**
         * Constructs a new ExperimentRecord.
         * @memberof loopnet
         * @classdesc Represents an ExperimentRecord.
         * @constructor
         * @param {loopnet.ExperimentRecord.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const ExperimentRecord = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * ExperimentRecord genesis.
         * @member {string} genesis
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.genesis = "";

        /**
         * ExperimentRecord author.
         * @member {string} author
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.author = "";

        /**
         * ExperimentRecord seq.
         * @member {number} seq
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.seq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * ExperimentRecord parentHash.
         * @member {string} parentHash
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.parentHash = "";

        /**
         * ExperimentRecord fileHash.
         * @member {string} fileHash
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.fileHash = "";

        /**
         * ExperimentRecord diff.
         * @member {string} diff
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.diff = "";

        /**
         * ExperimentRecord status.
         * @member {loopnet.Status} status
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.status = 0;

        /**
         * ExperimentRecord valBpb.
         * @member {number} valBpb
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.valBpb = 0;

        /**
         * ExperimentRecord trainingSeconds.
         * @member {number} trainingSeconds
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.trainingSeconds = 0;

        /**
         * ExperimentRecord totalSeconds.
         * @member {number} totalSeconds
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.totalSeconds = 0;

        /**
         * ExperimentRecord peakMemMb.
         * @member {number} peakMemMb
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.peakMemMb = 0;

        /**
         * ExperimentRecord tier.
         * @member {string} tier
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.tier = "";

        /**
         * ExperimentRecord description.
         * @member {string} description
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.description = "";

        /**
         * ExperimentRecord createdAt.
         * @member {number} createdAt
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.createdAt = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * ExperimentRecord version.
         * @member {number} version
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.version = 0;

        /**
         * ExperimentRecord budgetSeconds.
         * @member {number} budgetSeconds
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.budgetSeconds = 0;

        /**
         * ExperimentRecord startupSeconds.
         * @member {number} startupSeconds
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.startupSeconds = 0;

        /**
         * ExperimentRecord evalSeconds.
         * @member {number} evalSeconds
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.evalSeconds = 0;

        /**
         * ExperimentRecord probeSeconds.
         * @member {number} probeSeconds
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.probeSeconds = 0;

        /**
         * ExperimentRecord numParams.
         * @member {number} numParams
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.numParams = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * ExperimentRecord seed.
         * @member {number} seed
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.seed = 0;

        /**
         * ExperimentRecord reason.
         * @member {string} reason
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.reason = "";

        /**
         * ExperimentRecord unsandboxed.
         * @member {boolean} unsandboxed
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.unsandboxed = false;

        /**
         * ExperimentRecord noiseSigma.
         * @member {number} noiseSigma
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.noiseSigma = 0;

        /**
         * ExperimentRecord noiseDof.
         * @member {number} noiseDof
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.noiseDof = 0;

        /**
         * ExperimentRecord signature.
         * @member {Uint8Array} signature
         * @memberof loopnet.ExperimentRecord
         * @instance
         */
        ExperimentRecord.prototype.signature = $util.newBuffer([]);

        /**
         * Encodes the specified ExperimentRecord message. Does not implicitly {@link loopnet.ExperimentRecord.verify|verify} messages.
         * @function encode
         * @memberof loopnet.ExperimentRecord
         * @static
         * @param {loopnet.ExperimentRecord.$Properties} message ExperimentRecord message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        ExperimentRecord.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.genesis != null && $Object.hasOwnProperty.call(message, "genesis") && message.genesis !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.genesis);
            if (message.author != null && $Object.hasOwnProperty.call(message, "author") && message.author !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.author);
            if (message.seq != null && $Object.hasOwnProperty.call(message, "seq") && (typeof message.seq === "object" ? message.seq.low || message.seq.high : message.seq !== 0))
                writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.seq);
            if (message.parentHash != null && $Object.hasOwnProperty.call(message, "parentHash") && message.parentHash !== "")
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.parentHash);
            if (message.fileHash != null && $Object.hasOwnProperty.call(message, "fileHash") && message.fileHash !== "")
                writer.uint32(/* id 5, wireType 2 =*/42).string(message.fileHash);
            if (message.diff != null && $Object.hasOwnProperty.call(message, "diff") && message.diff !== "")
                writer.uint32(/* id 6, wireType 2 =*/50).string(message.diff);
            if (message.status != null && $Object.hasOwnProperty.call(message, "status") && message.status !== 0)
                writer.uint32(/* id 7, wireType 0 =*/56).int32(message.status);
            if (message.valBpb != null && $Object.hasOwnProperty.call(message, "valBpb") && !$Object.is(message.valBpb, 0))
                writer.uint32(/* id 8, wireType 1 =*/65).double(message.valBpb);
            if (message.trainingSeconds != null && $Object.hasOwnProperty.call(message, "trainingSeconds") && !$Object.is(message.trainingSeconds, 0))
                writer.uint32(/* id 9, wireType 1 =*/73).double(message.trainingSeconds);
            if (message.totalSeconds != null && $Object.hasOwnProperty.call(message, "totalSeconds") && !$Object.is(message.totalSeconds, 0))
                writer.uint32(/* id 10, wireType 1 =*/81).double(message.totalSeconds);
            if (message.peakMemMb != null && $Object.hasOwnProperty.call(message, "peakMemMb") && !$Object.is(message.peakMemMb, 0))
                writer.uint32(/* id 13, wireType 1 =*/105).double(message.peakMemMb);
            if (message.tier != null && $Object.hasOwnProperty.call(message, "tier") && message.tier !== "")
                writer.uint32(/* id 14, wireType 2 =*/114).string(message.tier);
            if (message.description != null && $Object.hasOwnProperty.call(message, "description") && message.description !== "")
                writer.uint32(/* id 15, wireType 2 =*/122).string(message.description);
            if (message.createdAt != null && $Object.hasOwnProperty.call(message, "createdAt") && (typeof message.createdAt === "object" ? message.createdAt.low || message.createdAt.high : message.createdAt !== 0))
                writer.uint32(/* id 16, wireType 0 =*/128).uint64(message.createdAt);
            if (message.version != null && $Object.hasOwnProperty.call(message, "version") && message.version !== 0)
                writer.uint32(/* id 18, wireType 0 =*/144).uint32(message.version);
            if (message.budgetSeconds != null && $Object.hasOwnProperty.call(message, "budgetSeconds") && !$Object.is(message.budgetSeconds, 0))
                writer.uint32(/* id 19, wireType 1 =*/153).double(message.budgetSeconds);
            if (message.startupSeconds != null && $Object.hasOwnProperty.call(message, "startupSeconds") && !$Object.is(message.startupSeconds, 0))
                writer.uint32(/* id 20, wireType 1 =*/161).double(message.startupSeconds);
            if (message.evalSeconds != null && $Object.hasOwnProperty.call(message, "evalSeconds") && !$Object.is(message.evalSeconds, 0))
                writer.uint32(/* id 21, wireType 1 =*/169).double(message.evalSeconds);
            if (message.probeSeconds != null && $Object.hasOwnProperty.call(message, "probeSeconds") && !$Object.is(message.probeSeconds, 0))
                writer.uint32(/* id 22, wireType 1 =*/177).double(message.probeSeconds);
            if (message.numParams != null && $Object.hasOwnProperty.call(message, "numParams") && (typeof message.numParams === "object" ? message.numParams.low || message.numParams.high : message.numParams !== 0))
                writer.uint32(/* id 23, wireType 0 =*/184).uint64(message.numParams);
            if (message.seed != null && $Object.hasOwnProperty.call(message, "seed") && message.seed !== 0)
                writer.uint32(/* id 24, wireType 0 =*/192).uint32(message.seed);
            if (message.reason != null && $Object.hasOwnProperty.call(message, "reason") && message.reason !== "")
                writer.uint32(/* id 25, wireType 2 =*/202).string(message.reason);
            if (message.unsandboxed != null && $Object.hasOwnProperty.call(message, "unsandboxed") && message.unsandboxed !== false)
                writer.uint32(/* id 26, wireType 0 =*/208).bool(message.unsandboxed);
            if (message.noiseSigma != null && $Object.hasOwnProperty.call(message, "noiseSigma") && !$Object.is(message.noiseSigma, 0))
                writer.uint32(/* id 27, wireType 1 =*/217).double(message.noiseSigma);
            if (message.noiseDof != null && $Object.hasOwnProperty.call(message, "noiseDof") && message.noiseDof !== 0)
                writer.uint32(/* id 28, wireType 0 =*/224).uint32(message.noiseDof);
            if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                writer.uint32(/* id 40, wireType 2 =*/322).bytes(message.signature);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an ExperimentRecord message from the specified reader or buffer.
         * @function decode
         * @memberof loopnet.ExperimentRecord
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {loopnet.ExperimentRecord & loopnet.ExperimentRecord.$Shape} ExperimentRecord
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        ExperimentRecord.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.loopnet.ExperimentRecord();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.genesis = value;
                        else
                            delete message.genesis;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.author = value;
                        else
                            delete message.author;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.seq = value;
                        else
                            delete message.seq;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.parentHash = value;
                        else
                            delete message.parentHash;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.fileHash = value;
                        else
                            delete message.fileHash;
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.diff = value;
                        else
                            delete message.diff;
                        continue;
                    }
                case 7: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.status = value;
                        else
                            delete message.status;
                        continue;
                    }
                case 8: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.valBpb = value;
                        else
                            delete message.valBpb;
                        continue;
                    }
                case 9: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.trainingSeconds = value;
                        else
                            delete message.trainingSeconds;
                        continue;
                    }
                case 10: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.totalSeconds = value;
                        else
                            delete message.totalSeconds;
                        continue;
                    }
                case 13: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.peakMemMb = value;
                        else
                            delete message.peakMemMb;
                        continue;
                    }
                case 14: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.tier = value;
                        else
                            delete message.tier;
                        continue;
                    }
                case 15: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.description = value;
                        else
                            delete message.description;
                        continue;
                    }
                case 16: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.createdAt = value;
                        else
                            delete message.createdAt;
                        continue;
                    }
                case 18: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.version = value;
                        else
                            delete message.version;
                        continue;
                    }
                case 19: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.budgetSeconds = value;
                        else
                            delete message.budgetSeconds;
                        continue;
                    }
                case 20: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.startupSeconds = value;
                        else
                            delete message.startupSeconds;
                        continue;
                    }
                case 21: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.evalSeconds = value;
                        else
                            delete message.evalSeconds;
                        continue;
                    }
                case 22: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.probeSeconds = value;
                        else
                            delete message.probeSeconds;
                        continue;
                    }
                case 23: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.numParams = value;
                        else
                            delete message.numParams;
                        continue;
                    }
                case 24: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.seed = value;
                        else
                            delete message.seed;
                        continue;
                    }
                case 25: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.reason = value;
                        else
                            delete message.reason;
                        continue;
                    }
                case 26: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.unsandboxed = value;
                        else
                            delete message.unsandboxed;
                        continue;
                    }
                case 27: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.noiseSigma = value;
                        else
                            delete message.noiseSigma;
                        continue;
                    }
                case 28: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.noiseDof = value;
                        else
                            delete message.noiseDof;
                        continue;
                    }
                case 40: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.signature = value;
                        else
                            delete message.signature;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        return ExperimentRecord;
    })();

    loopnet.FetchRequest = (function() {

        /**
         * Properties of a FetchRequest.
         * @typedef {Object} loopnet.FetchRequest.$Properties
         * @property {string|null} [hash] FetchRequest hash
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a FetchRequest.
         * @memberof loopnet
         * @interface IFetchRequest
         * @augments loopnet.FetchRequest.$Properties
         * @deprecated Use loopnet.FetchRequest.$Properties instead.
         */

        /**
         * Shape of a FetchRequest.
         * @typedef {loopnet.FetchRequest.$Properties} loopnet.FetchRequest.$Shape
         */

        /**
         * Constructs a new FetchRequest.
         * @memberof loopnet
         * @classdesc Represents a FetchRequest.
         * @constructor
         * @param {loopnet.FetchRequest.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const FetchRequest = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * FetchRequest hash.
         * @member {string} hash
         * @memberof loopnet.FetchRequest
         * @instance
         */
        FetchRequest.prototype.hash = "";

        /**
         * Encodes the specified FetchRequest message. Does not implicitly {@link loopnet.FetchRequest.verify|verify} messages.
         * @function encode
         * @memberof loopnet.FetchRequest
         * @static
         * @param {loopnet.FetchRequest.$Properties} message FetchRequest message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        FetchRequest.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.hash != null && $Object.hasOwnProperty.call(message, "hash") && message.hash !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.hash);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a FetchRequest message from the specified reader or buffer.
         * @function decode
         * @memberof loopnet.FetchRequest
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {loopnet.FetchRequest & loopnet.FetchRequest.$Shape} FetchRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        FetchRequest.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.loopnet.FetchRequest();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.hash = value;
                        else
                            delete message.hash;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        return FetchRequest;
    })();

    loopnet.FetchResponse = (function() {

        /**
         * Properties of a FetchResponse.
         * @typedef {Object} loopnet.FetchResponse.$Properties
         * @property {loopnet.FetchResponse.Result|null} [result] FetchResponse result
         * @property {Uint8Array|null} [content] FetchResponse content
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a FetchResponse.
         * @memberof loopnet
         * @interface IFetchResponse
         * @augments loopnet.FetchResponse.$Properties
         * @deprecated Use loopnet.FetchResponse.$Properties instead.
         */

        /**
         * Shape of a FetchResponse.
         * @typedef {loopnet.FetchResponse.$Properties} loopnet.FetchResponse.$Shape
         */

        /**
         * Constructs a new FetchResponse.
         * @memberof loopnet
         * @classdesc Represents a FetchResponse.
         * @constructor
         * @param {loopnet.FetchResponse.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const FetchResponse = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * FetchResponse result.
         * @member {loopnet.FetchResponse.Result} result
         * @memberof loopnet.FetchResponse
         * @instance
         */
        FetchResponse.prototype.result = 0;

        /**
         * FetchResponse content.
         * @member {Uint8Array} content
         * @memberof loopnet.FetchResponse
         * @instance
         */
        FetchResponse.prototype.content = $util.newBuffer([]);

        /**
         * Encodes the specified FetchResponse message. Does not implicitly {@link loopnet.FetchResponse.verify|verify} messages.
         * @function encode
         * @memberof loopnet.FetchResponse
         * @static
         * @param {loopnet.FetchResponse.$Properties} message FetchResponse message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        FetchResponse.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.result != null && $Object.hasOwnProperty.call(message, "result") && message.result !== 0)
                writer.uint32(/* id 1, wireType 0 =*/8).int32(message.result);
            if (message.content != null && $Object.hasOwnProperty.call(message, "content") && message.content.length)
                writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.content);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a FetchResponse message from the specified reader or buffer.
         * @function decode
         * @memberof loopnet.FetchResponse
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {loopnet.FetchResponse & loopnet.FetchResponse.$Shape} FetchResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        FetchResponse.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.loopnet.FetchResponse();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.result = value;
                        else
                            delete message.result;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.content = value;
                        else
                            delete message.content;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Result enum.
         * @name loopnet.FetchResponse.Result
         * @enum {number}
         * @property {number} RESULT_UNSPECIFIED=0 RESULT_UNSPECIFIED value
         * @property {number} FOUND=1 FOUND value
         * @property {number} NOT_FOUND=2 NOT_FOUND value
         */
        FetchResponse.Result = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "RESULT_UNSPECIFIED"] = 0;
            values[valuesById[1] = "FOUND"] = 1;
            values[valuesById[2] = "NOT_FOUND"] = 2;
            return values;
        })();

        return FetchResponse;
    })();

    loopnet.SyncRequest = (function() {

        /**
         * Properties of a SyncRequest.
         * @typedef {Object} loopnet.SyncRequest.$Properties
         * @property {number|null} [cursor] SyncRequest cursor
         * @property {number|null} [limit] SyncRequest limit
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a SyncRequest.
         * @memberof loopnet
         * @interface ISyncRequest
         * @augments loopnet.SyncRequest.$Properties
         * @deprecated Use loopnet.SyncRequest.$Properties instead.
         */

        /**
         * Shape of a SyncRequest.
         * @typedef {loopnet.SyncRequest.$Properties} loopnet.SyncRequest.$Shape
         */

        /**
         * Constructs a new SyncRequest.
         * @memberof loopnet
         * @classdesc Represents a SyncRequest.
         * @constructor
         * @param {loopnet.SyncRequest.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const SyncRequest = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * SyncRequest cursor.
         * @member {number} cursor
         * @memberof loopnet.SyncRequest
         * @instance
         */
        SyncRequest.prototype.cursor = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * SyncRequest limit.
         * @member {number} limit
         * @memberof loopnet.SyncRequest
         * @instance
         */
        SyncRequest.prototype.limit = 0;

        /**
         * Encodes the specified SyncRequest message. Does not implicitly {@link loopnet.SyncRequest.verify|verify} messages.
         * @function encode
         * @memberof loopnet.SyncRequest
         * @static
         * @param {loopnet.SyncRequest.$Properties} message SyncRequest message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        SyncRequest.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.cursor != null && $Object.hasOwnProperty.call(message, "cursor") && (typeof message.cursor === "object" ? message.cursor.low || message.cursor.high : message.cursor !== 0))
                writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.cursor);
            if (message.limit != null && $Object.hasOwnProperty.call(message, "limit") && message.limit !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.limit);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a SyncRequest message from the specified reader or buffer.
         * @function decode
         * @memberof loopnet.SyncRequest
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {loopnet.SyncRequest & loopnet.SyncRequest.$Shape} SyncRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        SyncRequest.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.loopnet.SyncRequest();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.cursor = value;
                        else
                            delete message.cursor;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.limit = value;
                        else
                            delete message.limit;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        return SyncRequest;
    })();

    loopnet.SyncResponse = (function() {

        /**
         * Properties of a SyncResponse.
         * @typedef {Object} loopnet.SyncResponse.$Properties
         * @property {Array.<Uint8Array>|null} [records] SyncResponse records
         * @property {number|null} [nextCursor] SyncResponse nextCursor
         * @property {boolean|null} [done] SyncResponse done
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a SyncResponse.
         * @memberof loopnet
         * @interface ISyncResponse
         * @augments loopnet.SyncResponse.$Properties
         * @deprecated Use loopnet.SyncResponse.$Properties instead.
         */

        /**
         * Shape of a SyncResponse.
         * @typedef {loopnet.SyncResponse.$Properties} loopnet.SyncResponse.$Shape
         */

        /**
         * Constructs a new SyncResponse.
         * @memberof loopnet
         * @classdesc Represents a SyncResponse.
         * @constructor
         * @param {loopnet.SyncResponse.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const SyncResponse = function (properties) {
            this.records = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * SyncResponse records.
         * @member {Array.<Uint8Array>} records
         * @memberof loopnet.SyncResponse
         * @instance
         */
        SyncResponse.prototype.records = $util.emptyArray;

        /**
         * SyncResponse nextCursor.
         * @member {number} nextCursor
         * @memberof loopnet.SyncResponse
         * @instance
         */
        SyncResponse.prototype.nextCursor = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * SyncResponse done.
         * @member {boolean} done
         * @memberof loopnet.SyncResponse
         * @instance
         */
        SyncResponse.prototype.done = false;

        /**
         * Encodes the specified SyncResponse message. Does not implicitly {@link loopnet.SyncResponse.verify|verify} messages.
         * @function encode
         * @memberof loopnet.SyncResponse
         * @static
         * @param {loopnet.SyncResponse.$Properties} message SyncResponse message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        SyncResponse.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.records != null && message.records.length)
                for (let i = 0; i < message.records.length; ++i)
                    writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.records[i]);
            if (message.nextCursor != null && $Object.hasOwnProperty.call(message, "nextCursor") && (typeof message.nextCursor === "object" ? message.nextCursor.low || message.nextCursor.high : message.nextCursor !== 0))
                writer.uint32(/* id 2, wireType 0 =*/16).uint64(message.nextCursor);
            if (message.done != null && $Object.hasOwnProperty.call(message, "done") && message.done !== false)
                writer.uint32(/* id 3, wireType 0 =*/24).bool(message.done);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a SyncResponse message from the specified reader or buffer.
         * @function decode
         * @memberof loopnet.SyncResponse
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {loopnet.SyncResponse & loopnet.SyncResponse.$Shape} SyncResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        SyncResponse.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.loopnet.SyncResponse();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if (!(message.records && message.records.length))
                            message.records = [];
                        message.records.push(reader.bytes());
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.nextCursor = value;
                        else
                            delete message.nextCursor;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.done = value;
                        else
                            delete message.done;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        return SyncResponse;
    })();

    /**
     * ClaimKind enum.
     * @name loopnet.ClaimKind
     * @enum {number}
     * @property {number} CLAIM_KIND_UNSPECIFIED=0 CLAIM_KIND_UNSPECIFIED value
     * @property {number} REMEASURE=1 REMEASURE value
     * @property {number} EDIT=2 EDIT value
     */
    loopnet.ClaimKind = (function() {
        const valuesById = $Object.create(null), values = $Object.create(valuesById);
        values[valuesById[0] = "CLAIM_KIND_UNSPECIFIED"] = 0;
        values[valuesById[1] = "REMEASURE"] = 1;
        values[valuesById[2] = "EDIT"] = 2;
        return values;
    })();

    loopnet.Claim = (function() {

        /**
         * Properties of a Claim.
         * @typedef {Object} loopnet.Claim.$Properties
         * @property {string|null} [genesis] Claim genesis
         * @property {string|null} [author] Claim author
         * @property {loopnet.ClaimKind|null} [kind] Claim kind
         * @property {string|null} [parentHash] Claim parentHash
         * @property {string|null} [fileHash] Claim fileHash
         * @property {string|null} [tier] Claim tier
         * @property {number|null} [budgetSeconds] Claim budgetSeconds
         * @property {string|null} [description] Claim description
         * @property {number|null} [createdAt] Claim createdAt
         * @property {number|null} [ttlSeconds] Claim ttlSeconds
         * @property {Uint8Array|null} [signature] Claim signature
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Claim.
         * @memberof loopnet
         * @interface IClaim
         * @augments loopnet.Claim.$Properties
         * @deprecated Use loopnet.Claim.$Properties instead.
         */

        /**
         * Shape of a Claim.
         * @typedef {loopnet.Claim.$Properties} loopnet.Claim.$Shape
         */

        /**
         * Constructs a new Claim.
         * @memberof loopnet
         * @classdesc Represents a Claim.
         * @constructor
         * @param {loopnet.Claim.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Claim = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Claim genesis.
         * @member {string} genesis
         * @memberof loopnet.Claim
         * @instance
         */
        Claim.prototype.genesis = "";

        /**
         * Claim author.
         * @member {string} author
         * @memberof loopnet.Claim
         * @instance
         */
        Claim.prototype.author = "";

        /**
         * Claim kind.
         * @member {loopnet.ClaimKind} kind
         * @memberof loopnet.Claim
         * @instance
         */
        Claim.prototype.kind = 0;

        /**
         * Claim parentHash.
         * @member {string} parentHash
         * @memberof loopnet.Claim
         * @instance
         */
        Claim.prototype.parentHash = "";

        /**
         * Claim fileHash.
         * @member {string} fileHash
         * @memberof loopnet.Claim
         * @instance
         */
        Claim.prototype.fileHash = "";

        /**
         * Claim tier.
         * @member {string} tier
         * @memberof loopnet.Claim
         * @instance
         */
        Claim.prototype.tier = "";

        /**
         * Claim budgetSeconds.
         * @member {number} budgetSeconds
         * @memberof loopnet.Claim
         * @instance
         */
        Claim.prototype.budgetSeconds = 0;

        /**
         * Claim description.
         * @member {string} description
         * @memberof loopnet.Claim
         * @instance
         */
        Claim.prototype.description = "";

        /**
         * Claim createdAt.
         * @member {number} createdAt
         * @memberof loopnet.Claim
         * @instance
         */
        Claim.prototype.createdAt = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Claim ttlSeconds.
         * @member {number} ttlSeconds
         * @memberof loopnet.Claim
         * @instance
         */
        Claim.prototype.ttlSeconds = 0;

        /**
         * Claim signature.
         * @member {Uint8Array} signature
         * @memberof loopnet.Claim
         * @instance
         */
        Claim.prototype.signature = $util.newBuffer([]);

        /**
         * Encodes the specified Claim message. Does not implicitly {@link loopnet.Claim.verify|verify} messages.
         * @function encode
         * @memberof loopnet.Claim
         * @static
         * @param {loopnet.Claim.$Properties} message Claim message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Claim.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.genesis != null && $Object.hasOwnProperty.call(message, "genesis") && message.genesis !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.genesis);
            if (message.author != null && $Object.hasOwnProperty.call(message, "author") && message.author !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.author);
            if (message.kind != null && $Object.hasOwnProperty.call(message, "kind") && message.kind !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).int32(message.kind);
            if (message.parentHash != null && $Object.hasOwnProperty.call(message, "parentHash") && message.parentHash !== "")
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.parentHash);
            if (message.fileHash != null && $Object.hasOwnProperty.call(message, "fileHash") && message.fileHash !== "")
                writer.uint32(/* id 5, wireType 2 =*/42).string(message.fileHash);
            if (message.tier != null && $Object.hasOwnProperty.call(message, "tier") && message.tier !== "")
                writer.uint32(/* id 6, wireType 2 =*/50).string(message.tier);
            if (message.budgetSeconds != null && $Object.hasOwnProperty.call(message, "budgetSeconds") && !$Object.is(message.budgetSeconds, 0))
                writer.uint32(/* id 7, wireType 1 =*/57).double(message.budgetSeconds);
            if (message.description != null && $Object.hasOwnProperty.call(message, "description") && message.description !== "")
                writer.uint32(/* id 8, wireType 2 =*/66).string(message.description);
            if (message.createdAt != null && $Object.hasOwnProperty.call(message, "createdAt") && (typeof message.createdAt === "object" ? message.createdAt.low || message.createdAt.high : message.createdAt !== 0))
                writer.uint32(/* id 9, wireType 0 =*/72).uint64(message.createdAt);
            if (message.ttlSeconds != null && $Object.hasOwnProperty.call(message, "ttlSeconds") && message.ttlSeconds !== 0)
                writer.uint32(/* id 10, wireType 0 =*/80).uint32(message.ttlSeconds);
            if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                writer.uint32(/* id 40, wireType 2 =*/322).bytes(message.signature);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Claim message from the specified reader or buffer.
         * @function decode
         * @memberof loopnet.Claim
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {loopnet.Claim & loopnet.Claim.$Shape} Claim
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Claim.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.loopnet.Claim();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.genesis = value;
                        else
                            delete message.genesis;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.author = value;
                        else
                            delete message.author;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.kind = value;
                        else
                            delete message.kind;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.parentHash = value;
                        else
                            delete message.parentHash;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.fileHash = value;
                        else
                            delete message.fileHash;
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.tier = value;
                        else
                            delete message.tier;
                        continue;
                    }
                case 7: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.budgetSeconds = value;
                        else
                            delete message.budgetSeconds;
                        continue;
                    }
                case 8: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.description = value;
                        else
                            delete message.description;
                        continue;
                    }
                case 9: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.createdAt = value;
                        else
                            delete message.createdAt;
                        continue;
                    }
                case 10: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.ttlSeconds = value;
                        else
                            delete message.ttlSeconds;
                        continue;
                    }
                case 40: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.signature = value;
                        else
                            delete message.signature;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        return Claim;
    })();

    return loopnet;
})();

export {
  $root as default
};
