package suite

// What the subset leaves out. S3's answer to a request for functionality
// a service does not implement is 501 NotImplemented ("A header you
// provided implies functionality that is not implemented"); each case is
// one out-of-scope API reached the way SDKs reach it.

func notImplemented(name, what, method, query string, onObject bool, body string) Case {
	return Case{"scope/" + name,
		what + " (" + method + " ?" + query + ") is out of scope: 501 NotImplemented",
		func(t *T) {
			b := t.NewBucket()
			key := ""
			if onObject {
				key = "k"
				t.Put(b, key, []byte("x"), nil)
			}
			h := map[string]string{}
			if body != "" {
				h["Content-MD5"] = contentMD5([]byte(body))
			}
			r := t.Do(Request{Method: method, Bucket: b, Key: key, Query: query, Body: []byte(body), Header: h})
			t.Error(method+" ?"+query, r, 501, "NotImplemented")
		}}
}

func init() {
	register(
		notImplemented("bucket-acl", "GetBucketAcl (ACLs)", "GET", "acl", false, ""),
		notImplemented("object-acl", "PutObjectAcl (ACLs)", "PUT", "acl", true,
			`<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>`),
		notImplemented("bucket-policy", "GetBucketPolicy (policies)", "GET", "policy", false, ""),
		notImplemented("versioning", "PutBucketVersioning (versioning)", "PUT", "versioning", false,
			`<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>`),
		notImplemented("lifecycle", "GetBucketLifecycleConfiguration (lifecycle)", "GET", "lifecycle", false, ""),
		notImplemented("encryption", "GetBucketEncryption (encryption)", "GET", "encryption", false, ""),
		notImplemented("object-lock", "GetObjectLockConfiguration (object lock)", "GET", "object-lock", false, ""),
		notImplemented("tagging", "GetObjectTagging (tagging)", "GET", "tagging", true, ""),
		notImplemented("multipart", "CreateMultipartUpload (multipart uploads)", "POST", "uploads", true, ""),
		notImplemented("cors", "GetBucketCors (CORS configuration)", "GET", "cors", false, ""),
		notImplemented("website", "GetBucketWebsite (static website hosting)", "GET", "website", false, ""),
		notImplemented("replication", "GetBucketReplication (replication)", "GET", "replication", false, ""),
		notImplemented("logging", "GetBucketLogging (access logging)", "GET", "logging", false, ""),
		notImplemented("notification", "GetBucketNotificationConfiguration (event notifications)", "GET", "notification", false, ""),
		notImplemented("accelerate", "GetBucketAccelerateConfiguration (transfer acceleration)", "GET", "accelerate", false, ""),
		notImplemented("request-payment", "GetBucketRequestPayment (requester pays)", "GET", "requestPayment", false, ""),
		notImplemented("public-access-block", "GetPublicAccessBlock (public access)", "GET", "publicAccessBlock", false, ""),
		notImplemented("legal-hold", "GetObjectLegalHold (object lock)", "GET", "legal-hold", true, ""),
		notImplemented("retention", "GetObjectRetention (object lock)", "GET", "retention", true, ""),
		notImplemented("restore", "RestoreObject (archive restore)", "POST", "restore", true,
			`<RestoreRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Days>1</Days></RestoreRequest>`),
		notImplemented("select", "SelectObjectContent (S3 Select)", "POST", "select&select-type=2", true,
			`<SelectObjectContentRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>`),
		notImplemented("torrent", "GetObjectTorrent (BitTorrent)", "GET", "torrent", true, ""),
		notImplemented("object-tagging-put", "PutObjectTagging (tagging)", "PUT", "tagging", true,
			`<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet/></Tagging>`),
	)
}
