# Stand-in for aws-sdk-sesv2: the class aws-actionmailer-ses names, refusing to be used.
module Aws
  module SESV2
    class Client
      def initialize(*)
        raise "aws-sdk-sesv2 is a stand-in in the e2e suite: no mail goes to SES"
      end
    end
  end
end
