//! Serves `fixtures/site` on 127.0.0.1 with the hostile routes the tests need.
