package io.github.flowisesso.rest;

/** One row of a bulk call, 1-based: either a well-formed input or the reason it could not be read. */
record BulkRow(int row, InvitationInput input, InvitationError error) {

    static BulkRow of(int row, InvitationInput input) {
        return new BulkRow(row, input, null);
    }

    static BulkRow unreadable(int row, InvitationError error) {
        return new BulkRow(row, null, error);
    }
}
