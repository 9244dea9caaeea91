import Foundation
import PortBooksHTTP
import PortBooksJSON
import Testing

@testable import PortBooksQuickBooks

@Suite struct FaultClassifierTests {
    @Test func capitalisedValidationFaultIsARecordProblem() {
        let response = json(
            400,
            #"{"Fault":{"Error":[{"Message":"Duplicate Name Exists Error","Detail":"The name supplied already exists. : null","code":"6240","element":"DisplayName"}],"type":"ValidationFault"},"time":"2020-09-29T05:58:16.187-07:00"}"#
        )
        let fault = FaultClassifier.fault(in: response)
        #expect(
            fault
                == .recordProblem(
                    code: "6240", message: "Duplicate Name Exists Error",
                    detail: "The name supplied already exists. : null", element: "DisplayName"))
        #expect(fault?.category == .recordProblem)
    }

    @Test func faultWithHTTP200IsStillAFault() {
        let response = json(
            200,
            #"{"Fault":{"Error":[{"Message":"Object Not Found","Detail":"Object Not Found","code":"610","element":""}],"type":"ValidationFault"}}"#
        )
        #expect(FaultClassifier.fault(in: response)?.code == "610")
        #expect(FaultClassifier.fault(in: response)?.category == .recordProblem)
    }

    @Test func staleObjectIsFlagged() {
        let response = json(
            400,
            #"{"Fault":{"Error":[{"Message":"Stale Object Error","Detail":"You and X were working on this at the same time.","code":"5010"}],"type":"ValidationFault"}}"#
        )
        #expect(FaultClassifier.fault(in: response)?.isStaleObject == true)
    }

    @Test func lowerCaseGatewayEnvelopeIsAuthAndDropsTheTokenFragment() throws {
        let response = json(
            401,
            #"{"warnings":null,"intuitObject":null,"fault":{"error":[{"message":"message=AuthenticationFailed; errorCode=003200; statusCode=401","detail":"Token expired: AB01601390262kxzxSECRET","code":"3200","element":null}],"type":"AUTHENTICATION"},"report":null,"time":1601391072830}"#
        )
        let fault = try #require(FaultClassifier.fault(in: response))
        #expect(fault == .auth(code: "3200", message: "AuthenticationFailed"))
        #expect(fault.category == .auth)
        #expect(!fault.description.contains("AB0160"))
    }

    @Test func forbiddenGatewayEnvelopeIsAuth() {
        let response = json(
            403,
            #"{"fault":{"error":[{"message":"message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403","detail":null,"code":"3100"}],"type":"SERVICE"}}"#
        )
        #expect(FaultClassifier.fault(in: response)?.category == .auth)
    }

    @Test func xmlThrottleIsTransientEvenWithJSONRequested() {
        let xml = """
            <IntuitResponse time="2016-12-07T15:27:09.527-08:00" xmlns="http://schema.intuit.com/finance/v3">
              <Fault type="SERVICE"><Error code="3001">
                <Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>
                <Detail>The request limit was reached.  Try again later</Detail>
              </Error></Fault></IntuitResponse>
            """
        let response = HTTPResponse(status: 429, body: Data(xml.utf8))
        #expect(FaultClassifier.fault(in: response) == .transient(.throttled, attempts: 0))
        #expect(FaultClassifier.errorEntries(in: Data(xml.utf8)).first?.code == "3001")
        // The pre-2017 form: the same body with HTTP 403.
        #expect(FaultClassifier.fault(in: HTTPResponse(status: 403, body: Data(xml.utf8)))?.category == .transient)
    }

    @Test func serverErrorsAndTimeoutsAreTransient() {
        #expect(
            FaultClassifier.fault(in: HTTPResponse(status: 503, body: Data("<html>down</html>".utf8)))?.category
                == .transient)
        #expect(FaultClassifier.fault(in: json(500, "{}"))?.category == .transient)
        #expect(FaultClassifier.fault(for: .timedOut) == .transient(.timedOut, attempts: 0))
        #expect(FaultClassifier.fault(for: .connectionDropped("reset"))?.category == .transient)
        #expect(FaultClassifier.fault(for: .cancelled) == nil)
        let systemFault = json(
            400,
            #"{"Fault":{"Error":[{"Message":"An application error has occurred","code":"10000"}],"type":"SystemFault"}}"#
        )
        #expect(FaultClassifier.fault(in: systemFault)?.category == .transient)
    }

    @Test func unsupportedOperationIsFatalAndSuccessIsNil() {
        let response = json(
            400,
            #"{"Fault":{"Error":[{"Message":"Unsupported Operation","Detail":"Could not find resource","code":"500"}],"type":"ValidationFault"}}"#
        )
        #expect(FaultClassifier.fault(in: response)?.category == .fatal)
        #expect(FaultClassifier.fault(in: json(200, #"{"Invoice":{"Id":"1"}}"#)) == nil)
        #expect(FaultClassifier.fault(in: HTTPResponse(status: 404))?.category == .fatal)
    }

    @Test func tokenEndpointInvalidGrantMeansReconnect() {
        let fault = OAuthClient.tokenEndpointFault(json(400, #"{"error":"invalid_grant"}"#))
        #expect(fault == .reconnectNeeded(reason: "invalid_grant"))
        #expect(fault.category == .auth)
        #expect(fault.description.contains("portbooks connect"))
        #expect(OAuthClient.tokenEndpointFault(json(503, "{}")).category == .transient)
    }
}
